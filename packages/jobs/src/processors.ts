import { alertsProcessor } from './processors/alerts';
import { backupProcessor } from './processors/backups';
import { calendarCrosscheckProcessor } from './processors/calendar-crosscheck';
import { engineTickProcessor } from './processors/engine-tick';
import { heartbeat } from './processors/heartbeat';
import { housekeeping } from './processors/housekeeping';
import { marketIngestProcessor } from './processors/market-ingest';
import { dailyReportsProcessor } from './processors/reports';
import { retentionProcessor } from './processors/retention';
import { sentimentAggregateProcessor, sentimentCollectProcessor } from './processors/sentiment';
import { tradingOrderProcessor } from './processors/trading-order';
import type { Processors } from './runner';

/** Every job body by name. */
export const processors: Processors = {
  'system.heartbeat': heartbeat,
  'market.ingest': marketIngestProcessor,
  'sentiment.collect': sentimentCollectProcessor,
  'sentiment.aggregate': sentimentAggregateProcessor,
  'engine.tick': engineTickProcessor,
  'trading.order': tradingOrderProcessor,
  'reports.daily': dailyReportsProcessor,
  'calendar.crosscheck': calendarCrosscheckProcessor,
  'system.housekeeping': housekeeping,
  'alerts.scan': alertsProcessor,
  'system.backup': backupProcessor,
  'system.retention': retentionProcessor,
};

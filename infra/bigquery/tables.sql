-- TradeHits analytics tables on BigQuery (dataset `tradehits`; replace `your-project`).
-- Generated from packages/analytics/src/schema.ts by bigQueryDdl(); AnalyticsStore.migrate() runs the same
-- statements, and a test fails when this file falls behind. Tables are partitioned by day and clustered by
-- symbol; 5-minute bars expire after 90 days (hourly and daily bars keep the history). The dataset itself
-- is created by infra/terraform/bigquery.tf.

CREATE TABLE IF NOT EXISTS `your-project.tradehits.crypto_bars_1d` (
  `symbol` STRING NOT NULL,
  `open_time` TIMESTAMP NOT NULL,
  `open` FLOAT64 NOT NULL,
  `high` FLOAT64 NOT NULL,
  `low` FLOAT64 NOT NULL,
  `close` FLOAT64 NOT NULL,
  `volume` FLOAT64 NOT NULL,
  `trade_count` INT64,
  `rsi14` FLOAT64,
  `macd` FLOAT64,
  `macd_signal` FLOAT64,
  `macd_hist` FLOAT64,
  `bb_upper` FLOAT64,
  `bb_middle` FLOAT64,
  `bb_lower` FLOAT64,
  `sma9` FLOAT64,
  `sma21` FLOAT64,
  `sma50` FLOAT64,
  `sma200` FLOAT64,
  `ema9` FLOAT64,
  `ema21` FLOAT64,
  `vwap` FLOAT64
)
PARTITION BY DATE(`open_time`)
CLUSTER BY `symbol`;

CREATE TABLE IF NOT EXISTS `your-project.tradehits.crypto_bars_1h` (
  `symbol` STRING NOT NULL,
  `open_time` TIMESTAMP NOT NULL,
  `open` FLOAT64 NOT NULL,
  `high` FLOAT64 NOT NULL,
  `low` FLOAT64 NOT NULL,
  `close` FLOAT64 NOT NULL,
  `volume` FLOAT64 NOT NULL,
  `trade_count` INT64,
  `rsi14` FLOAT64,
  `macd` FLOAT64,
  `macd_signal` FLOAT64,
  `macd_hist` FLOAT64,
  `bb_upper` FLOAT64,
  `bb_middle` FLOAT64,
  `bb_lower` FLOAT64,
  `sma9` FLOAT64,
  `sma21` FLOAT64,
  `sma50` FLOAT64,
  `sma200` FLOAT64,
  `ema9` FLOAT64,
  `ema21` FLOAT64,
  `vwap` FLOAT64
)
PARTITION BY DATE(`open_time`)
CLUSTER BY `symbol`;

CREATE TABLE IF NOT EXISTS `your-project.tradehits.crypto_bars_5m` (
  `symbol` STRING NOT NULL,
  `open_time` TIMESTAMP NOT NULL,
  `open` FLOAT64 NOT NULL,
  `high` FLOAT64 NOT NULL,
  `low` FLOAT64 NOT NULL,
  `close` FLOAT64 NOT NULL,
  `volume` FLOAT64 NOT NULL,
  `trade_count` INT64,
  `rsi14` FLOAT64,
  `macd` FLOAT64,
  `macd_signal` FLOAT64,
  `macd_hist` FLOAT64,
  `bb_upper` FLOAT64,
  `bb_middle` FLOAT64,
  `bb_lower` FLOAT64,
  `sma9` FLOAT64,
  `sma21` FLOAT64,
  `sma50` FLOAT64,
  `sma200` FLOAT64,
  `ema9` FLOAT64,
  `ema21` FLOAT64,
  `vwap` FLOAT64
)
PARTITION BY DATE(`open_time`)
CLUSTER BY `symbol`
OPTIONS (partition_expiration_days = 90);

CREATE TABLE IF NOT EXISTS `your-project.tradehits.stock_bars_1d` (
  `symbol` STRING NOT NULL,
  `open_time` TIMESTAMP NOT NULL,
  `open` FLOAT64 NOT NULL,
  `high` FLOAT64 NOT NULL,
  `low` FLOAT64 NOT NULL,
  `close` FLOAT64 NOT NULL,
  `volume` FLOAT64 NOT NULL,
  `trade_count` INT64,
  `rsi14` FLOAT64,
  `macd` FLOAT64,
  `macd_signal` FLOAT64,
  `macd_hist` FLOAT64,
  `bb_upper` FLOAT64,
  `bb_middle` FLOAT64,
  `bb_lower` FLOAT64,
  `sma9` FLOAT64,
  `sma21` FLOAT64,
  `sma50` FLOAT64,
  `sma200` FLOAT64,
  `ema9` FLOAT64,
  `ema21` FLOAT64,
  `vwap` FLOAT64
)
PARTITION BY DATE(`open_time`)
CLUSTER BY `symbol`;

CREATE TABLE IF NOT EXISTS `your-project.tradehits.stock_bars_1h` (
  `symbol` STRING NOT NULL,
  `open_time` TIMESTAMP NOT NULL,
  `open` FLOAT64 NOT NULL,
  `high` FLOAT64 NOT NULL,
  `low` FLOAT64 NOT NULL,
  `close` FLOAT64 NOT NULL,
  `volume` FLOAT64 NOT NULL,
  `trade_count` INT64,
  `rsi14` FLOAT64,
  `macd` FLOAT64,
  `macd_signal` FLOAT64,
  `macd_hist` FLOAT64,
  `bb_upper` FLOAT64,
  `bb_middle` FLOAT64,
  `bb_lower` FLOAT64,
  `sma9` FLOAT64,
  `sma21` FLOAT64,
  `sma50` FLOAT64,
  `sma200` FLOAT64,
  `ema9` FLOAT64,
  `ema21` FLOAT64,
  `vwap` FLOAT64
)
PARTITION BY DATE(`open_time`)
CLUSTER BY `symbol`;

CREATE TABLE IF NOT EXISTS `your-project.tradehits.stock_bars_5m` (
  `symbol` STRING NOT NULL,
  `open_time` TIMESTAMP NOT NULL,
  `open` FLOAT64 NOT NULL,
  `high` FLOAT64 NOT NULL,
  `low` FLOAT64 NOT NULL,
  `close` FLOAT64 NOT NULL,
  `volume` FLOAT64 NOT NULL,
  `trade_count` INT64,
  `rsi14` FLOAT64,
  `macd` FLOAT64,
  `macd_signal` FLOAT64,
  `macd_hist` FLOAT64,
  `bb_upper` FLOAT64,
  `bb_middle` FLOAT64,
  `bb_lower` FLOAT64,
  `sma9` FLOAT64,
  `sma21` FLOAT64,
  `sma50` FLOAT64,
  `sma200` FLOAT64,
  `ema9` FLOAT64,
  `ema21` FLOAT64,
  `vwap` FLOAT64
)
PARTITION BY DATE(`open_time`)
CLUSTER BY `symbol`
OPTIONS (partition_expiration_days = 90);

CREATE TABLE IF NOT EXISTS `your-project.tradehits.market_calendar` (
  `date` DATE NOT NULL,
  `open_at` TIMESTAMP NOT NULL,
  `close_at` TIMESTAMP NOT NULL,
  `early_close` BOOL NOT NULL
)
PARTITION BY `date`;

CREATE TABLE IF NOT EXISTS `your-project.tradehits.crypto_sentiment` (
  `source` STRING NOT NULL,
  `item_id` STRING NOT NULL,
  `kind` STRING NOT NULL,
  `author` STRING,
  `text` STRING NOT NULL,
  `url` STRING,
  `posted_at` TIMESTAMP NOT NULL,
  `symbols` ARRAY<STRING>,
  `score` FLOAT64 NOT NULL,
  `category` STRING NOT NULL
)
PARTITION BY DATE(`posted_at`)
CLUSTER BY `source`;

CREATE TABLE IF NOT EXISTS `your-project.tradehits.stock_sentiment` (
  `source` STRING NOT NULL,
  `item_id` STRING NOT NULL,
  `kind` STRING NOT NULL,
  `author` STRING,
  `text` STRING NOT NULL,
  `url` STRING,
  `posted_at` TIMESTAMP NOT NULL,
  `symbols` ARRAY<STRING>,
  `score` FLOAT64 NOT NULL,
  `category` STRING NOT NULL
)
PARTITION BY DATE(`posted_at`)
CLUSTER BY `source`;

CREATE TABLE IF NOT EXISTS `your-project.tradehits.political_posts` (
  `source` STRING NOT NULL,
  `item_id` STRING NOT NULL,
  `kind` STRING NOT NULL,
  `author` STRING,
  `text` STRING NOT NULL,
  `url` STRING,
  `posted_at` TIMESTAMP NOT NULL,
  `symbols` ARRAY<STRING>,
  `score` FLOAT64 NOT NULL,
  `category` STRING NOT NULL,
  `impact` STRING NOT NULL,
  `triggered_trades` BOOL NOT NULL,
  `assets_affected` ARRAY<STRING>
)
PARTITION BY DATE(`posted_at`)
CLUSTER BY `source`;

CREATE TABLE IF NOT EXISTS `your-project.tradehits.sentiment_aggregates` (
  `symbol` STRING NOT NULL,
  `asset_type` STRING NOT NULL,
  `time_window` STRING NOT NULL,
  `as_of` TIMESTAMP NOT NULL,
  `average` FLOAT64,
  `trend` STRING NOT NULL,
  `bullish` INT64 NOT NULL,
  `bearish` INT64 NOT NULL,
  `total` INT64 NOT NULL,
  `by_news` FLOAT64,
  `by_social` FLOAT64,
  `by_political` FLOAT64,
  `by_coinmarketcap` FLOAT64,
  `signal` STRING NOT NULL,
  `confidence` FLOAT64 NOT NULL
)
PARTITION BY DATE(`as_of`)
CLUSTER BY `symbol`;

CREATE TABLE IF NOT EXISTS `your-project.tradehits.detections` (
  `symbol` STRING NOT NULL,
  `asset_type` STRING NOT NULL,
  `timeframe` STRING NOT NULL,
  `bar_time` TIMESTAMP NOT NULL,
  `price` FLOAT64 NOT NULL,
  `low_24h` FLOAT64 NOT NULL,
  `low_7d` FLOAT64 NOT NULL,
  `support` FLOAT64 NOT NULL,
  `rsi` FLOAT64,
  `macd_hist` FLOAT64,
  `bb_position` FLOAT64,
  `sentiment` FLOAT64,
  `political_sentiment` FLOAT64,
  `reasons` ARRAY<STRING>,
  `confidence` FLOAT64 NOT NULL,
  `is_lowest_point` BOOL NOT NULL,
  `rise_probability` FLOAT64,
  `buy_signal` BOOL NOT NULL,
  `notes` ARRAY<STRING>
)
PARTITION BY DATE(`bar_time`)
CLUSTER BY `symbol`;

# Alerts as code. The app raises its own alerts (admin console badge and e-mail, see
# packages/jobs/src/processors/alerts.ts) and writes each one as a log line with an `alert` field;
# Cloud Monitoring pages the on-call from those lines, and independently watches what the app cannot
# report about itself: the server not answering, errors, and the worker not running jobs.

resource "google_monitoring_notification_channel" "email" {
  for_each     = toset(var.alert_emails)
  display_name = "${var.name} on-call ${each.key}"
  type         = "email"
  labels = {
    email_address = each.key
  }
  depends_on = [google_project_service.enabled]
}

locals {
  alert_channels = [for c in google_monitoring_notification_channel.email : c.id]
  run_logs       = "resource.type=(\"cloud_run_revision\" OR \"cloud_run_worker_pool\") AND resource.labels.service_name=~\"^${var.name}-\""
}

# One counter per app alert kind (approval.pending, job.failing, data.stale, account.quarantined,
# user.loss-limit), from the structured log lines the app writes when it raises one.
resource "google_logging_metric" "app_alerts" {
  name   = "${var.name}/app_alerts"
  filter = "${local.run_logs} AND jsonPayload.alert:*"
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    labels {
      key        = "kind"
      value_type = "STRING"
    }
  }
  label_extractors = {
    kind = "EXTRACT(jsonPayload.alert)"
  }
  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "app_alert" {
  for_each = {
    "job.failing"         = "A job keeps failing"
    "data.stale"          = "Market data is stale"
    "account.quarantined" = "An account was quarantined"
  }
  display_name = "${var.name}: ${each.value}"
  combiner     = "OR"
  conditions {
    display_name = each.value
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.app_alerts.name}\" AND resource.type=\"cloud_run_revision\" AND metric.label.kind=\"${each.key}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }
  notification_channels = local.alert_channels
  documentation {
    content   = "Raised by the app; the admin console's alerts list has the details."
    mime_type = "text/markdown"
  }
}

# The public readiness check, from outside: fails when the server or one of its stores is down.
resource "google_monitoring_uptime_check_config" "readyz" {
  display_name = "${var.name} server /readyz"
  timeout      = "10s"
  period       = "60s"
  http_check {
    path           = "/readyz"
    port           = 443
    use_ssl        = true
    validate_ssl   = true
    accepted_response_status_codes {
      status_value = 200
    }
  }
  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = trimsuffix(trimprefix(google_cloud_run_v2_service.server.uri, "https://"), "/")
    }
  }
  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "server_down" {
  display_name = "${var.name}: server not ready"
  combiner     = "OR"
  conditions {
    display_name = "/readyz failing"
    condition_threshold {
      filter          = "metric.type=\"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.type=\"uptime_url\" AND metric.label.check_id=\"${google_monitoring_uptime_check_config.readyz.uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "180s"
      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.host"]
      }
    }
  }
  notification_channels = local.alert_channels
}

resource "google_monitoring_alert_policy" "server_errors" {
  display_name = "${var.name}: server 5xx"
  combiner     = "OR"
  conditions {
    display_name = "more than 5 server errors a minute for 5 minutes"
    condition_threshold {
      filter          = "metric.type=\"run.googleapis.com/request_count\" AND resource.type=\"cloud_run_revision\" AND resource.label.service_name=\"${google_cloud_run_v2_service.server.name}\" AND metric.label.response_code_class=\"5xx\""
      comparison      = "COMPARISON_GT"
      threshold_value = 5
      duration        = "300s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }
  notification_channels = local.alert_channels
}

# The worker logs every job run it finishes; none for ten minutes means the schedules are not running
# (the heartbeat job alone runs every minute).
resource "google_logging_metric" "job_runs" {
  name   = "${var.name}/job_runs"
  filter = "${local.run_logs} AND jsonPayload.job:* AND jsonPayload.runId:*"
  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
  }
  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "worker_silent" {
  display_name = "${var.name}: worker runs no jobs"
  combiner     = "OR"
  conditions {
    display_name = "no job run logged for 10 minutes"
    condition_absent {
      filter   = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.job_runs.name}\""
      duration = "600s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }
  notification_channels = local.alert_channels
}

# Backups of the analytics tables: the worker's daily `system.backup` job exports every BigQuery table
# to Parquet under gs://<bucket>/analytics/<time>/ (EXPORT DATA). Cloud SQL keeps its own daily backups
# and point-in-time recovery (database.tf); `npm run backup` covers both for a copy outside Google.

resource "google_storage_bucket" "backups" {
  name                        = "${var.project_id}-${var.name}-backups"
  location                    = var.bigquery_location
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  # The job keeps BACKUP_KEEP folders of its own; objects older than this go regardless.
  lifecycle_rule {
    condition {
      age = var.backup_retention_days
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}

# Only the worker runs the backup job: it writes objects, nothing else reads or lists the bucket.
resource "google_storage_bucket_iam_member" "backup_writer" {
  bucket = google_storage_bucket.backups.name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.workload["worker"].member
}

# The analytics dataset. Its tables are created from the versioned DDL in infra/bigquery/*.sql (the same
# text the BigQuery adapter applies), one query job per file. A job is immutable, so its id carries the
# file's hash: editing a file runs it again, and the DDL is written to be re-runnable
# (CREATE TABLE IF NOT EXISTS / ALTER … IF NOT EXISTS).

locals {
  bigquery_ddl_dir   = "${path.module}/../bigquery"
  bigquery_ddl_files = fileset(local.bigquery_ddl_dir, "*.sql")
}

resource "google_bigquery_dataset" "analytics" {
  dataset_id  = var.bigquery_dataset
  location    = var.bigquery_location
  description = "Market bars, sentiment and detections."

  # Market history is expensive to rebuild: never drop tables with the dataset.
  delete_contents_on_destroy = false

  depends_on = [google_project_service.enabled]
}

resource "google_bigquery_job" "ddl" {
  for_each = local.bigquery_ddl_files

  job_id = format(
    "%s_ddl_%s_%s",
    var.name,
    replace(trimsuffix(each.value, ".sql"), "/[^A-Za-z0-9_]/", "_"),
    substr(filesha256("${local.bigquery_ddl_dir}/${each.value}"), 0, 16),
  )
  location = google_bigquery_dataset.analytics.location

  query {
    # The generated DDL names `your-project.tradehits`; point it at this project and dataset.
    query = replace(
      file("${local.bigquery_ddl_dir}/${each.value}"),
      "your-project.tradehits",
      "${var.project_id}.${google_bigquery_dataset.analytics.dataset_id}",
    )
    use_legacy_sql = false

    # DDL and scripts are rejected when a disposition is set; the provider's defaults must be cleared.
    create_disposition = ""
    write_disposition  = ""

    # Any unqualified name resolves to this dataset too.
    default_dataset {
      project_id = var.project_id
      dataset_id = google_bigquery_dataset.analytics.dataset_id
    }
  }
}

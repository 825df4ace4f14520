# One service account per workload, each with only what it uses:
#   server, worker: BigQuery dataEditor on the dataset + jobUser, Cloud SQL client, their own secrets;
#   migrate: Cloud SQL client and DATABASE_URL.

locals {
  workloads = toset(["server", "worker", "migrate"])

  # Secrets each workload receives as environment variables.
  secret_env = {
    server  = setunion(["DATABASE_URL", "REDIS_URL", "SECRETS_KEY", "ADMIN_PASSWORD", "SMTP_URL"], var.extra_secret_names)
    worker  = setunion(["DATABASE_URL", "REDIS_URL", "SECRETS_KEY", "SMTP_URL"], var.extra_secret_names)
    migrate = toset(["DATABASE_URL"])
  }

  # The Cloud SQL CA is mounted as a file into every workload that talks to Postgres.
  secret_grants = merge([
    for workload, names in local.secret_env : {
      for name in setunion(names, ["CLOUDSQL_SERVER_CA"]) : "${workload}/${name}" => {
        workload = workload
        secret   = name
      }
    }
  ]...)

  project_roles = {
    "server/bigquery-job-user" = { workload = "server", role = "roles/bigquery.jobUser" }
    "server/cloudsql-client"   = { workload = "server", role = "roles/cloudsql.client" }
    "worker/bigquery-job-user" = { workload = "worker", role = "roles/bigquery.jobUser" }
    "worker/cloudsql-client"   = { workload = "worker", role = "roles/cloudsql.client" }
    "migrate/cloudsql-client"  = { workload = "migrate", role = "roles/cloudsql.client" }
  }
}

resource "google_service_account" "workload" {
  for_each     = local.workloads
  account_id   = "${var.name}-${each.key}"
  display_name = "${var.name} ${each.key}"

  depends_on = [google_project_service.enabled]
}

resource "google_project_iam_member" "workload" {
  for_each = local.project_roles
  project  = var.project_id
  role     = each.value.role
  member   = google_service_account.workload[each.value.workload].member
}

resource "google_bigquery_dataset_iam_member" "editor" {
  for_each   = toset(["server", "worker"])
  dataset_id = google_bigquery_dataset.analytics.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = google_service_account.workload[each.key].member
}

resource "google_secret_manager_secret_iam_member" "access" {
  for_each  = local.secret_grants
  secret_id = google_secret_manager_secret.app[each.value.secret].id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.workload[each.value.workload].member
}

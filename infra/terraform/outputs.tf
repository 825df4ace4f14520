output "server_url" {
  description = "The server's Cloud Run address."
  value       = google_cloud_run_v2_service.server.uri
}

output "image_repository" {
  description = "Where the deploy workflow pushes images: <this>/server:<sha> and <this>/worker:<sha>."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "migrate_job" {
  description = "Cloud Run job that applies database migrations: gcloud run jobs execute <this> --region <region> --wait."
  value       = google_cloud_run_v2_job.migrate.name
}

output "worker_pool" {
  description = "Cloud Run worker pool running the BullMQ worker."
  value       = google_cloud_run_v2_worker_pool.worker.name
}

output "cloudsql_connection_name" {
  description = "project:region:instance, for the Cloud SQL Auth Proxy when an operator needs a psql session."
  value       = google_sql_database_instance.main.connection_name
}

output "cloudsql_private_ip" {
  description = "Private address of the Postgres instance."
  value       = google_sql_database_instance.main.private_ip_address
}

output "redis_host" {
  description = "Private address of Memorystore."
  value       = "${google_redis_instance.main.host}:${google_redis_instance.main.port}"
}

output "bigquery_dataset" {
  description = "project.dataset of the analytics tables."
  value       = "${var.project_id}.${google_bigquery_dataset.analytics.dataset_id}"
}

output "operator_secrets" {
  description = "Secret Manager ids that need a version added by hand (env name => secret id)."
  value       = { for name in local.operator_secret_names : name => google_secret_manager_secret.app[name].secret_id }
}

output "service_accounts" {
  description = "Runtime identity of each workload."
  value       = { for workload, account in google_service_account.workload : workload => account.email }
}

output "workload_identity_provider" {
  description = "Set as the GitHub repository variable GCP_WORKLOAD_IDENTITY_PROVIDER."
  value       = google_iam_workload_identity_pool_provider.github.name
}

output "deployer_service_account" {
  description = "Set as the GitHub repository variable GCP_DEPLOYER_SERVICE_ACCOUNT."
  value       = google_service_account.deployer.email
}

# The three Cloud Run workloads, all from the images in Artifact Registry:
#   server  — the HTTP process (tRPC, SSE, the built SPA), at least one warm instance;
#   worker  — the BullMQ consumer, a worker pool: always-on CPU, no HTTP port;
#   migrate — a job that applies the drizzle migrations before a new server rolls out.

locals {
  app_env = merge(
    {
      NODE_ENV         = "production"
      HOST             = "0.0.0.0"
      COOKIE_SECURE    = "true"
      BIGQUERY_PROJECT = var.project_id
      BIGQUERY_DATASET = google_bigquery_dataset.analytics.dataset_id
    },
    var.public_url == "" ? {} : { PUBLIC_URL = var.public_url },
    # The scheduled backup (worker) exports the analytics tables here, beside the Cloud SQL backups.
    { BACKUP_GCS_URI = "gs://${google_storage_bucket.backups.name}/analytics" },
    var.app_env,
  )

  secret_ids = { for name, secret in google_secret_manager_secret.app : name => secret.secret_id }
}

resource "google_cloud_run_v2_service" "server" {
  name     = "${var.name}-server"
  location = var.region
  ingress  = "INGRESS_TRAFFIC_ALL"

  deletion_protection = true

  template {
    service_account = google_service_account.workload["server"].email
    # SSE subscriptions hold a request open; Cloud Run ends any request at this limit and the
    # browser's EventSource reconnects.
    timeout                          = "3600s"
    max_instance_request_concurrency = var.server_concurrency

    scaling {
      min_instance_count = var.server_min_instances
      max_instance_count = var.server_max_instances
    }

    vpc_access {
      network_interfaces {
        network    = google_compute_network.main.id
        subnetwork = google_compute_subnetwork.run.id
      }
      # Only Cloud SQL / Memorystore go through the VPC; exchanges and news feeds go straight out.
      egress = "PRIVATE_RANGES_ONLY"
    }

    volumes {
      name = "cloudsql-ca"
      secret {
        secret = local.secret_ids["CLOUDSQL_SERVER_CA"]
        items {
          version = "latest"
          path    = "server-ca.pem"
        }
      }
    }

    containers {
      image = var.server_image

      ports {
        container_port = 8080 # Cloud Run sets PORT to this
      }

      resources {
        limits = {
          cpu    = var.server_cpu
          memory = var.server_memory
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = local.app_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.secret_env.server
        content {
          name = env.value
          value_source {
            secret_key_ref {
              secret  = local.secret_ids[env.value]
              version = "latest"
            }
          }
        }
      }

      volume_mounts {
        name       = "cloudsql-ca"
        mount_path = local.cloudsql_ca_dir
      }

      # Ready only when PostgreSQL, Redis and BigQuery answer: traffic moves to a revision that can serve.
      startup_probe {
        http_get {
          path = "/readyz"
          port = 8080
        }
        period_seconds    = 5
        failure_threshold = 24 # two minutes to boot and connect
      }
      liveness_probe {
        http_get {
          path = "/healthz"
          port = 8080
        }
        period_seconds    = 30
        failure_threshold = 3
      }
    }
  }

  depends_on = [
    google_secret_manager_secret_iam_member.access,
    google_secret_manager_secret_version.generated,
  ]
}

# The web app is public; authentication is the app's own (sessions, roles).
resource "google_cloud_run_v2_service_iam_member" "server_public" {
  name     = google_cloud_run_v2_service.server.name
  location = google_cloud_run_v2_service.server.location
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_v2_worker_pool" "worker" {
  name     = "${var.name}-worker"
  location = var.region

  deletion_protection = true

  scaling {
    scaling_mode          = "MANUAL"
    manual_instance_count = var.worker_instances
  }

  template {
    service_account = google_service_account.workload["worker"].email

    vpc_access {
      network_interfaces {
        network    = google_compute_network.main.id
        subnetwork = google_compute_subnetwork.run.id
      }
      egress = "PRIVATE_RANGES_ONLY"
    }

    volumes {
      name = "cloudsql-ca"
      secret {
        secret = local.secret_ids["CLOUDSQL_SERVER_CA"]
        items {
          version = "latest"
          path    = "server-ca.pem"
        }
      }
    }

    containers {
      image = var.worker_image

      resources {
        limits = {
          cpu    = var.worker_cpu
          memory = var.worker_memory
        }
      }

      dynamic "env" {
        for_each = local.app_env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.secret_env.worker
        content {
          name = env.value
          value_source {
            secret_key_ref {
              secret  = local.secret_ids[env.value]
              version = "latest"
            }
          }
        }
      }

      volume_mounts {
        name       = "cloudsql-ca"
        mount_path = local.cloudsql_ca_dir
      }
    }
  }

  depends_on = [
    google_secret_manager_secret_iam_member.access,
    google_secret_manager_secret_version.generated,
  ]
}

resource "google_cloud_run_v2_job" "migrate" {
  name     = "${var.name}-migrate"
  location = var.region

  # The job holds no data; redeploying it is harmless.
  deletion_protection = false

  template {
    task_count = 1

    template {
      service_account = google_service_account.workload["migrate"].email
      max_retries     = 1
      timeout         = "600s"

      vpc_access {
        network_interfaces {
          network    = google_compute_network.main.id
          subnetwork = google_compute_subnetwork.run.id
        }
        egress = "PRIVATE_RANGES_ONLY"
      }

      volumes {
        name = "cloudsql-ca"
        secret {
          secret = local.secret_ids["CLOUDSQL_SERVER_CA"]
          items {
            version = "latest"
            path    = "server-ca.pem"
          }
        }
      }

      containers {
        # The server image carries the drizzle/ migrations and the migrate CLI (`npm run migrate`).
        image = var.server_image
        # Replaces the image's CMD; its ENTRYPOINT (tini) stays.
        args = ["node", "apps/server/dist/migrate-cli.js"]

        env {
          name  = "NODE_ENV"
          value = "production"
        }

        env {
          name = "DATABASE_URL"
          value_source {
            secret_key_ref {
              secret  = local.secret_ids["DATABASE_URL"]
              version = "latest"
            }
          }
        }

        volume_mounts {
          name       = "cloudsql-ca"
          mount_path = local.cloudsql_ca_dir
        }
      }
    }
  }

  depends_on = [
    google_secret_manager_secret_iam_member.access,
    google_secret_manager_secret_version.generated,
  ]
}

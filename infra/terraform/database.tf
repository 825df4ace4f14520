# Cloud SQL for PostgreSQL 15, private IP only, encrypted connections only, daily backups and
# point-in-time recovery.

resource "google_sql_database_instance" "main" {
  name             = "${var.name}-pg"
  region           = var.region
  database_version = "POSTGRES_15"

  deletion_protection = true

  settings {
    edition           = "ENTERPRISE"
    tier              = var.db_tier
    availability_type = var.db_availability_type
    disk_type         = "PD_SSD"
    disk_size         = var.db_disk_size_gb
    disk_autoresize   = true

    deletion_protection_enabled = true

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = google_compute_network.main.id
      enable_private_path_for_google_cloud_services = true
      ssl_mode                                      = "ENCRYPTED_ONLY"
      # A per-instance CA: its certificate is handed to the apps to verify the server (see secrets.tf).
      server_ca_mode = "GOOGLE_MANAGED_INTERNAL_CA"
    }

    backup_configuration {
      enabled                        = true
      start_time                     = "07:00" # UTC, 02:00–03:00 in New York: markets closed, crypto quiet
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = 7

      backup_retention_settings {
        retained_backups = var.db_backups_retained
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = 7 # Sunday, when the stock market is closed
      hour         = 8
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled = true
    }
  }

  depends_on = [google_service_networking_connection.private_services]
}

resource "google_sql_database" "app" {
  name     = var.name
  instance = google_sql_database_instance.main.name
}

resource "random_password" "db" {
  length = 40
  # Letters and digits only, so the password drops into DATABASE_URL without escaping.
  special = false
}

resource "google_sql_user" "app" {
  name     = var.name
  instance = google_sql_database_instance.main.name
  password = random_password.db.result
}

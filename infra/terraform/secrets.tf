# Every secret the apps read, in Secret Manager. Terraform writes the versions it can derive
# (connection URLs, the Cloud SQL CA); an operator adds the rest once (see infra/README.md).

locals {
  cloudsql_ca_dir = "/etc/cloudsql"

  generated_secret_names = toset(["DATABASE_URL", "REDIS_URL", "CLOUDSQL_SERVER_CA"])
  operator_secret_names  = setunion(["SECRETS_KEY", "ADMIN_PASSWORD", "SMTP_URL"], var.extra_secret_names)
  secret_names           = setunion(local.generated_secret_names, local.operator_secret_names)

  generated_secret_values = {
    # verify-ca with libpq semantics: the server certificate must chain to the instance CA mounted at
    # cloudsql_ca_dir; the host name is an IP, so it is not checked.
    DATABASE_URL = format(
      "postgresql://%s:%s@%s:5432/%s?sslmode=verify-ca&uselibpqcompat=true&sslrootcert=%s/server-ca.pem",
      google_sql_user.app.name,
      urlencode(random_password.db.result),
      google_sql_database_instance.main.private_ip_address,
      google_sql_database.app.name,
      local.cloudsql_ca_dir,
    )
    # Memorystore AUTH takes a password and no user name.
    REDIS_URL = format(
      "redis://:%s@%s:%d",
      urlencode(google_redis_instance.main.auth_string),
      google_redis_instance.main.host,
      google_redis_instance.main.port,
    )
    CLOUDSQL_SERVER_CA = google_sql_database_instance.main.server_ca_cert[0].cert
  }
}

resource "google_secret_manager_secret" "app" {
  for_each  = local.secret_names
  secret_id = "${var.name}-${lower(replace(each.key, "_", "-"))}"

  replication {
    auto {}
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "generated" {
  for_each    = local.generated_secret_names
  secret      = google_secret_manager_secret.app[each.key].id
  secret_data = local.generated_secret_values[each.key]
}

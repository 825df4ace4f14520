# ---- project ------------------------------------------------------------------------------------

variable "project_id" {
  description = "Google Cloud project that holds everything."
  type        = string
}

variable "region" {
  description = "Region for Cloud Run, Cloud SQL, Memorystore and Artifact Registry. us-east4 (Virginia) sits next to the US exchanges."
  type        = string
  default     = "us-east4"
}

variable "name" {
  description = "Prefix for resource names and service accounts (lowercase, at most 14 characters so account ids stay under 30)."
  type        = string
  default     = "tradehits"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,13}$", var.name))
    error_message = "name must be 3–14 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose main-branch workflows may deploy."
  type        = string
}

variable "state_bucket" {
  description = "GCS bucket holding this configuration's state (created by hand before the first init)."
  type        = string
}

# ---- images ---------------------------------------------------------------------------------------

variable "server_image" {
  description = "Full image reference for apps/server, e.g. us-east4-docker.pkg.dev/PROJECT/tradehits/server:GIT_SHA."
  type        = string
}

variable "worker_image" {
  description = "Full image reference for apps/worker, e.g. us-east4-docker.pkg.dev/PROJECT/tradehits/worker:GIT_SHA."
  type        = string
}

# ---- application ---------------------------------------------------------------------------------

variable "public_url" {
  description = "The address users reach the app at (PUBLIC_URL), e.g. https://app.tradehits.example. Empty: unset."
  type        = string
  default     = ""
}

variable "app_env" {
  description = "Further plain environment variables for the server and worker (non-secret settings such as CRYPTO_SYMBOLS, ADMIN_EMAIL, REPORT_EMAIL_TO). Overrides the defaults set in run.tf."
  type        = map(string)
  default     = {}
}

variable "extra_secret_names" {
  description = "Secret environment variables beyond DATABASE_URL, REDIS_URL, SECRETS_KEY, ADMIN_PASSWORD and SMTP_URL: venue and source credentials. Each needs a version added before the services deploy."
  type        = set(string)
  default     = ["ALPACA_KEY_ID", "ALPACA_SECRET_KEY"]
}

# ---- Cloud Run ------------------------------------------------------------------------------------

variable "server_min_instances" {
  description = "Warm server instances; at least 1 so SSE clients and the first request never wait for a cold start."
  type        = number
  default     = 1

  validation {
    condition     = var.server_min_instances >= 1
    error_message = "server_min_instances must be at least 1."
  }
}

variable "server_max_instances" {
  description = "Upper bound on server instances."
  type        = number
  default     = 10
}

variable "server_concurrency" {
  description = "Concurrent requests per server instance (open SSE streams count)."
  type        = number
  default     = 200
}

variable "server_cpu" {
  description = "vCPU per server instance."
  type        = string
  default     = "1"
}

variable "server_memory" {
  description = "Memory per server instance."
  type        = string
  default     = "1Gi"
}

variable "worker_instances" {
  description = "BullMQ worker instances (manual scaling; each consumes every queue)."
  type        = number
  default     = 1
}

variable "worker_cpu" {
  description = "vCPU per worker instance."
  type        = string
  default     = "1"
}

variable "worker_memory" {
  description = "Memory per worker instance."
  type        = string
  default     = "2Gi"
}

# ---- network --------------------------------------------------------------------------------------

variable "run_subnet_cidr" {
  description = "Subnet for Cloud Run Direct VPC egress; each instance takes an address, so leave room (a /24 serves about 100 instances with revision overlap)."
  type        = string
  default     = "10.10.0.0/24"
}

variable "private_services_prefix_length" {
  description = "Size of the private services access range shared by Cloud SQL and Memorystore."
  type        = number
  default     = 20
}

# ---- Cloud SQL ------------------------------------------------------------------------------------

variable "db_tier" {
  description = "Cloud SQL machine type (Enterprise edition), e.g. db-custom-2-7680."
  type        = string
  default     = "db-custom-1-3840"
}

variable "db_availability_type" {
  description = "REGIONAL (standby in a second zone, automatic failover) or ZONAL."
  type        = string
  default     = "REGIONAL"

  validation {
    condition     = contains(["REGIONAL", "ZONAL"], var.db_availability_type)
    error_message = "db_availability_type must be REGIONAL or ZONAL."
  }
}

variable "db_disk_size_gb" {
  description = "Initial SSD size; it grows automatically."
  type        = number
  default     = 20
}

variable "db_backups_retained" {
  description = "Daily backups kept."
  type        = number
  default     = 14
}

# ---- Memorystore ----------------------------------------------------------------------------------

variable "redis_tier" {
  description = "STANDARD_HA (replica and failover) or BASIC."
  type        = string
  default     = "STANDARD_HA"
}

variable "redis_memory_gb" {
  description = "Memorystore capacity in GB."
  type        = number
  default     = 1
}

# ---- BigQuery -------------------------------------------------------------------------------------

variable "bigquery_dataset" {
  description = "Dataset id for the analytics tables (BIGQUERY_DATASET)."
  type        = string
  default     = "tradehits"
}

variable "bigquery_location" {
  description = "BigQuery location (multi-region US, or a region)."
  type        = string
  default     = "US"
}

variable "alert_emails" {
  description = "Addresses Cloud Monitoring pages when an alert policy fires."
  type        = list(string)
  default     = []
}

variable "backup_retention_days" {
  description = "Days the backups bucket keeps an exported object."
  type        = number
  default     = 30
  validation {
    condition     = var.backup_retention_days >= 1
    error_message = "backup_retention_days must be at least 1."
  }
}

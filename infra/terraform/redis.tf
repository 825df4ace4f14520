# Memorystore for Redis: the BullMQ broker between the server (producer) and the worker.

resource "google_redis_instance" "main" {
  name           = "${var.name}-redis"
  region         = var.region
  tier           = var.redis_tier
  memory_size_gb = var.redis_memory_gb
  redis_version  = "REDIS_7_2"

  authorized_network = google_compute_network.main.id
  connect_mode       = "PRIVATE_SERVICE_ACCESS"

  # AUTH on; traffic stays inside the VPC. In-transit TLS would need Memorystore's CA in every client.
  auth_enabled            = true
  transit_encryption_mode = "DISABLED"

  redis_configs = {
    # BullMQ requires it: an evicted job key is a silently lost job.
    "maxmemory-policy" = "noeviction"
  }

  depends_on = [google_service_networking_connection.private_services]
}

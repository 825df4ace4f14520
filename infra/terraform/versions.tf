terraform {
  required_version = ">= 1.9"

  required_providers {
    google = {
      source = "hashicorp/google"
      # Pinned to one major line; `terraform init` writes the exact build to .terraform.lock.hcl,
      # which is committed so CI and laptops resolve the same provider.
      version = "~> 7.10"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }

  # State lives in a GCS bucket created before the first init (see infra/README.md):
  #   terraform init -backend-config="bucket=<state bucket>" -backend-config="prefix=prod"
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    app = var.name
  }
}

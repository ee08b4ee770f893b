"""Plumbing shared by the three services: Kafka, metrics, health, logging, shutdown."""

"""Cluster policies: DRS rebalancing, DPM host power management, HA restarts after host failure."""

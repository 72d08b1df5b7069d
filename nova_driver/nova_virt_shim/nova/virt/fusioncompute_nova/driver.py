"""``nova.virt.fusioncompute_nova.driver.FusionComputeDriver`` is ``fusioncompute_nova.driver.FusionComputeDriver``."""

from fusioncompute_nova.driver import FusionComputeDriver  # noqa: F401

__all__ = ["FusionComputeDriver"]

"""nova resolves ``compute_driver`` inside ``nova.virt``; this sub-package makes
``compute_driver = fusioncompute_nova.driver.FusionComputeDriver`` resolve to the driver of the
``fusioncompute_nova`` package (the nova-lxd way: no file of nova itself is shipped or replaced)."""

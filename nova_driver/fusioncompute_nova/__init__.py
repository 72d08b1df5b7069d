"""A FusionCompute compute driver for OpenStack nova (nova 34.x, Python 3.11+).

Set ``[DEFAULT] compute_driver = fusioncompute_nova.driver.FusionComputeDriver`` and fill the
``[fusioncompute]`` group (``fusioncompute_nova.conf``).
"""

__version__ = "0.1.0"

"""Check an installed nova-fusioncompute the way nova finds it; run with the Python of nova-compute.

    python check_installed.py [DIRECTORY]

nova imports ``compute_driver`` relative to ``nova.virt``, so ``nova.virt.fusioncompute_nova.driver`` must
import, and the ``oslo.config.opts`` entry point must publish the options. With DIRECTORY, the
``nova.virt`` re-export must also live below it (the distribution's dist-packages, next to its nova).
"""

import sys
from importlib.metadata import entry_points

names = [ep.name for ep in entry_points(group="oslo.config.opts")]
assert "fusioncompute_nova" in names, "entry point oslo.config.opts:fusioncompute_nova missing"
import nova.virt.fusioncompute_nova.driver as shim  # noqa: E402  (what compute_driver = fusioncompute_nova.driver.FusionComputeDriver loads)
from fusioncompute_nova.driver import FusionComputeDriver  # noqa: E402,F401

if len(sys.argv) > 1:
    assert shim.__file__.startswith(sys.argv[1]), "nova.virt.fusioncompute_nova is at %s, not below %s" % (
        shim.__file__, sys.argv[1])

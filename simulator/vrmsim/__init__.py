"""vrmsim: a stateful simulator of the Huawei FusionCompute VRM REST API."""

VERSION = "0.1.0"

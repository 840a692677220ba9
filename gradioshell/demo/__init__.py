"""The bundled demo app, and starting it on a free loopback port for ``--demo``."""

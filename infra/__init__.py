"""AWS resources: one definition for the packaged stack (package.py) and the emulator (local.py)."""

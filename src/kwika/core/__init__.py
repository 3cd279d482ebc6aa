"""Framework glue shared by every module. Nothing in here imports a module."""

"""Fault suites: real processes against loopback stand-ins, printing what was lost or repeated."""

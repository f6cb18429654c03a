"""The nightly run: the ledger of every file version, the nightly rebuild of the master, the run lock."""

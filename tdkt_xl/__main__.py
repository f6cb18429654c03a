"""``python -m tdkt_xl`` runs the ``tdkt-xl`` command."""

from tdkt_xl.cli import main

if __name__ == "__main__":
    main()

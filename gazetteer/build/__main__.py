"""`python -m gazetteer.build [...]`: the same as `python -m gazetteer build [...]`."""
from gazetteer.build import main

raise SystemExit(main())

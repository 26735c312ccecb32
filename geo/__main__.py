from geo.apps.cli import main

raise SystemExit(main())

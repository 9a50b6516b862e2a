from ecolca.cli import main

raise SystemExit(main())

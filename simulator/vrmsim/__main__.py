from vrmsim.cli import main

raise SystemExit(main())

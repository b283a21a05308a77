from nnfield.cli import main

raise SystemExit(main())

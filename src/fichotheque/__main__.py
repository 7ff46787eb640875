from fichotheque.cli import main

raise SystemExit(main())

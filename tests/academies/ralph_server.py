"""Ralph's LRS API as shipped, for the forwarding test, run by ``.venv/lrs/bin/python`` (not by pytest).

One change: Ralph's file backend (the only one that needs no database server) creates its file on
the first write and refuses every later one, so it is told to append. Authentication, validation,
the statement-id conflict rules, storage and queries are Ralph's own.

    .venv/lrs/bin/python tests/academies/ralph_server.py PORT   (settings from RALPH_* variables)
"""

import sys

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    import uvicorn
    from ralph.api import app

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")

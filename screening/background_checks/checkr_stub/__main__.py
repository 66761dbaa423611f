"""``python -m screening.background_checks.checkr_stub`` — run the test stand-in for Checkr."""

from __future__ import annotations

import argparse
import os

from screening.background_checks.checkr_stub.app import create_app
from screening.background_checks.checkr_stub.server import HOST


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local Checkr API stand-in (tests only).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CHECKR_STUB_PORT", 8765)))
    parser.add_argument("--api-key", default=os.environ.get("CHECKR_STUB_API_KEY"))
    parser.add_argument("--webhook-url", default=os.environ.get("CHECKR_STUB_WEBHOOK_URL"))
    args = parser.parse_args(argv)
    if not args.api_key:
        parser.error("--api-key (or CHECKR_STUB_API_KEY) is required")
    app = create_app(args.api_key, args.webhook_url)
    app.run(host=HOST, port=args.port, threaded=True)


if __name__ == "__main__":
    main()

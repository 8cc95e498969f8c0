"""`python app.py`: bring the index up to date, then serve the web chat (the same as `chatbot serve`).

Settings come from the `CHATBOT_*` environment variables (see `chatbot/config.py`): by default the
articles in `seeds/`, the index in `index/`, and the page on http://127.0.0.1:7860 with no login
(`CHATBOT_AUTH=user:password` asks for one). The first run builds the index, later runs re-embed only
changed articles; the summary is printed before the server starts.

What it leaves out: public share links and analytics (never), and any option parsing (`chatbot serve
--host --port` has it).
"""

import os
import sys

# Before Gradio, Hugging Face or Chroma are imported: nothing is fetched or reported at run time.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
for name, value in [("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1"),
                    ("ANONYMIZED_TELEMETRY", "False"), ("NO_PROXY", "localhost,127.0.0.1"),
                    ("no_proxy", "localhost,127.0.0.1")]:
    os.environ.setdefault(name, value)


def main() -> int:
    """Serve until interrupted; returns the exit code (2 with one sentence on stderr for a user error)."""
    from chatbot import ChatbotError, Settings

    try:
        from chatbot.ui import serve

        serve(Settings.from_env())
    except ChatbotError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())

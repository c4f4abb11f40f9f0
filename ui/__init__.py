"""The isnad web chat (Gradio): `build(assistant)` makes it, `serve(assistant, host, port)` runs it."""

from .app import build, launch, serve

__all__ = ["build", "launch", "serve"]

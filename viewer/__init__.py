"""The Gradio viewer and review mode (issue 7)."""

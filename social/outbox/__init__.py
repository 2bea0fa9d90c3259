"""What goes out, by stage: `queue` (answers queued: the agent's public replies, the
acknowledgements, Retry) and `send` (each delivered once, or failed with the reason). The
tasks that run them are in `social.tasks`."""

"""mailflow: email and calendar automation for virtual executive assistants."""

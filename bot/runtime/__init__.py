"""Running Taai: settings from the environment, the generated Rasa configuration files,
the launcher and the helper that starts and waits for local processes."""

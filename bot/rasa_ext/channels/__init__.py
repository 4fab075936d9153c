"""Taai's channels: the web widget (socket.io), REST, the web routes and the messaging
channels, each a thin subclass of Rasa's own."""

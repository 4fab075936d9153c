"""Where conversations live: the tracker store, the lock store and retention."""

"""`make bench`: Taai under load over REST, next to Rasa's own `rasa init` bot.

Run it with `python -m bench --help`; method, definitions and how to read the output
are in docs/bench.md. Modules:

- conversations: the message sequences the simulated users send;
- procmem: memory and CPU of a process tree from /proc (no psutil);
- load: the asyncio + aiohttp load generator and its statistics;
- servers: training, and starting and stopping Taai, the reference bot and the cluster;
- report: the table on stdout, the ratios, the aims and the JSON file.
"""

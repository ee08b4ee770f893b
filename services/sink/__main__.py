"""``python -m services.sink``: the sink service, as ``regwire sink``."""

from services.sink.commands import sink_command

if __name__ == "__main__":
    sink_command()

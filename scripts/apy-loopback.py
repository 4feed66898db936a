#!/usr/bin/python3
"""scripts/apy-loopback.py: run Debian's apertium-apy bound to 127.0.0.1 only.

APy 0.11 binds every interface and has no option to change that; this
wrapper makes its server bind 127.0.0.1 and then runs APy's own main()
with the same arguments (see `apertium-apy --help`).
"""
import sys

import tornado.tcpserver
from apertium_apy import apy

_bind = tornado.tcpserver.TCPServer.bind


def bind_loopback(self, port, address=None, *args, **kwargs):
    return _bind(self, port, "127.0.0.1", *args, **kwargs)


tornado.tcpserver.TCPServer.bind = bind_loopback
sys.argv[0] = "apertium-apy"
sys.exit(apy.main())

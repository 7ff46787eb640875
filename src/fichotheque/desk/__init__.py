"""The coordinator's desk (`fichotheque bureau`): a local web application, in French, to award
and revoke badges, prepare the claim messages, print certificates and publish the site.

It listens on 127.0.0.1 only and answers only requests that carry its random token. E-mail
addresses stay in the server's memory (and in the pages it sends): the ledger receives only
their salted hash, written by `fichotheque.badges.ledger` like the command line does.
"""

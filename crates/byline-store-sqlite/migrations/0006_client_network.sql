-- The comment flood check counts a client by its network
-- (byline_core::client_net): an IPv4 address, or an IPv6 address's /64, so
-- one visitor cannot post from a fresh address of their /64 each time.
-- author_ip keeps the full address moderators see.
ALTER TABLE comments ADD COLUMN author_net TEXT;
-- The flood window is seconds long: only the last day's comments need a key
-- (their address, exact for IPv4). Older and imported comments have none.
UPDATE comments SET author_net = author_ip
    WHERE created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day');
DROP INDEX comments_by_address;
CREATE INDEX comments_by_network ON comments (author_net, created_at);

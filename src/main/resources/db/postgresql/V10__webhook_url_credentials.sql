-- Webhook URLs may no longer hold credentials (user:password@): they were shown in every listing and the
-- console, and never sent (receivers verify the signature instead). URLs stored before that rule lose them.
UPDATE webhooks SET url = regexp_replace(url, '^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@', '\1')
WHERE url ~ '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@';

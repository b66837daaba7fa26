package dev.eventwire.http;

import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Listing cursors as clients see them. The store pages by log positions every tenant's rows share, so a
 * position given out as it is told a tenant how many rows the others added between two of its own (an
 * outside check counted another tenant's batch of 25 that way). Here a position goes out sealed: one AES
 * block of the position and a digest of the listing it pages (the tenant, the route, its path parameters),
 * under the store's cursor key — the same cursor for the same place, readable by every replica, and one a
 * client alters, another tenant sends, or sends to another listing (a webhook's deliveries' cursor to its
 * attempt log, or to another webhook's deliveries, where the position means something else) opens to nothing.
 */
public final class SealedCursors {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private final SecretKeySpec key;

    public SealedCursors(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The cursor the client is given for the next page, if there is one. */
    String next(String listing, Page<?> page) {
        return page.nextCursor().map(internal -> seal(listing, PageRequest.decodeCursor(internal)
                .orElseThrow(() -> new IllegalStateException("the store gave a cursor it cannot read")))).orElse(null);
    }

    String seal(String listing, long position) {
        ByteBuffer block = ByteBuffer.allocate(16).putLong(position).put(listingTag(listing));
        return ENCODER.encodeToString(run(Cipher.ENCRYPT_MODE, block.array()));
    }

    /** The position a cursor names in this listing; empty when this service did not give it for this listing. */
    Optional<Long> open(String listing, String cursor) {
        byte[] sealed;
        try {
            sealed = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Only the exact spelling given out: one position has one cursor.
        if (sealed.length != 16 || !ENCODER.encodeToString(sealed).equals(cursor)) return Optional.empty();
        ByteBuffer block = ByteBuffer.wrap(run(Cipher.DECRYPT_MODE, sealed));
        long position = block.getLong();
        byte[] tag = new byte[8];
        block.get(tag);
        return position >= 0 && MessageDigest.isEqual(tag, listingTag(listing)) ? Optional.of(position) : Optional.empty();
    }

    private byte[] run(int mode, byte[] block) {
        try {
            // One block, so no chaining to choose: the block is the whole message.
            Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(mode, key);
            return cipher.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available: " + e.getMessage(), e);
        }
    }

    private static byte[] listingTag(String listing) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(listing.getBytes(StandardCharsets.UTF_8));
            return java.util.Arrays.copyOf(digest, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}

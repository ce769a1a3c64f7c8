package dev.detopt.service.read;

import java.util.List;

/** One page of a list: {@code size} items from {@code page × size} on, of {@code total}. */
public record Page<T>(List<T> items, int page, int size, long total) {
}

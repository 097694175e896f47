"""Fan-out: every viewer gets the same bytes, a slow viewer skips frames and holds up nobody, close ends them."""

from __future__ import annotations

import asyncio
import threading

from factoryai.video.broadcast import Broadcast, multipart_part


def test_a_part_is_a_multipart_jpeg_with_its_length() -> None:
    part = multipart_part(b"\xff\xd8jpeg\xff\xd9")
    assert part == b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: 8\r\n\r\n\xff\xd8jpeg\xff\xd9\r\n"


async def _watch(broadcast: Broadcast, count: int, delay: float = 0.0) -> list[int]:
    seen, seq = [], 0
    while len(seen) < count:
        frame = await broadcast.next(seq, timeout=10)
        assert frame is not None
        seen.append(frame.seq)
        seq = frame.seq
        await asyncio.sleep(delay)
    return seen


def test_fifty_viewers_get_every_frame_from_a_publishing_thread_and_share_the_bytes() -> None:
    broadcast = Broadcast()
    parts: list[list[bytes]] = []

    async def viewer() -> list[int]:
        seen, seq, mine = [], 0, []
        while len(seen) < 20:
            frame = await broadcast.next(seq, timeout=10)
            assert frame is not None
            seen.append(frame.seq)
            mine.append(frame.part)
            seq = frame.seq
        parts.append(mine)
        return seen

    async def main() -> list[list[int]]:
        viewers = [asyncio.create_task(viewer()) for _ in range(50)]
        await asyncio.sleep(0.05)  # every viewer waits before the first frame

        def publish() -> None:
            for i in range(20):
                broadcast.publish(b"jpeg %d" % i)
                threading.Event().wait(0.01)

        await asyncio.to_thread(publish)
        return await asyncio.gather(*viewers)

    results = asyncio.run(main())
    assert all(seen == list(range(1, 21)) for seen in results)
    first = parts[0][0]
    assert all(mine[0] is first for mine in parts)  # one bytes object, not a copy per viewer


def test_a_slow_viewer_skips_to_the_newest_frame_and_does_not_hold_up_the_fast_one() -> None:
    broadcast = Broadcast()

    async def main() -> tuple[list[int], list[int]]:
        fast = asyncio.create_task(_watch(broadcast, 30))
        slow = asyncio.create_task(_watch(broadcast, 3, delay=0.2))
        await asyncio.sleep(0.02)
        for i in range(30):
            broadcast.publish(b"%d" % i)
            await asyncio.sleep(0.02)
        return await fast, await slow

    fast_seen, slow_seen = asyncio.run(main())
    assert fast_seen == list(range(1, 31))
    assert slow_seen[0] == 1
    assert slow_seen[1] - slow_seen[0] > 1


def test_a_new_viewer_gets_the_newest_frame_at_once() -> None:
    broadcast = Broadcast()
    broadcast.publish(b"old")
    broadcast.publish(b"new")

    async def main() -> bytes | None:
        frame = await broadcast.next(0, timeout=0.01)
        return frame.jpeg if frame else None

    assert asyncio.run(main()) == b"new"


def test_close_wakes_every_waiting_viewer_with_none() -> None:
    broadcast = Broadcast()

    async def main() -> list[object]:
        waiting = [asyncio.create_task(broadcast.next(0, timeout=30)) for _ in range(5)]
        await asyncio.sleep(0.05)
        await asyncio.to_thread(broadcast.close)
        return await asyncio.gather(*waiting)

    assert asyncio.run(main()) == [None] * 5
    assert broadcast.closed


def test_waiting_past_the_timeout_answers_none_and_a_later_frame_still_arrives() -> None:
    broadcast = Broadcast()

    async def main() -> tuple[object, int | None]:
        nothing = await broadcast.next(0, timeout=0.05)
        broadcast.publish(b"late")
        frame = await broadcast.next(0, timeout=1)
        return nothing, frame.seq if frame else None

    assert asyncio.run(main()) == (None, 1)

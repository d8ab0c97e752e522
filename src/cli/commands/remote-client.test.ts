import { describe, expect, it } from "vitest";
import { parseSseBlock } from "./remote-client.js";

describe("parseSseBlock", () => {
  it("reads event, id and JSON data, and skips comments", () => {
    expect(parseSseBlock('id: 7\nevent: log\ndata: {"message":"hi"}')).toEqual({
      event: "log",
      id: "7",
      data: { message: "hi" },
    });
    expect(parseSseBlock(": keep-alive")).toBeUndefined();
    expect(parseSseBlock("data: one\ndata: two")).toEqual({ event: "message", data: "one\ntwo" });
  });
});

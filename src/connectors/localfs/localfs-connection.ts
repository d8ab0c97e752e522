import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import type { ConnectionTestResult, OperationContext } from "../connector.js";
import { ObjectStoreConnection } from "../formats/object-store-connection.js";
import type { LocalfsObjects } from "./localfs-objects.js";

/**
 * A folder under DATA_PATH (seed 000's LOCALFS): files read and written as datasets, and as
 * objects (get, put, list, delete).
 */
export class LocalfsConnection extends ObjectStoreConnection<LocalfsObjects> {
  readonly kind = "localfs";

  constructor(
    name: string,
    objects: LocalfsObjects,
    /** The folder as the user wrote it, relative to DATA_PATH: messages never show the host's paths. */
    readonly shownPath: string,
    discoverLimit: number,
  ) {
    super(name, objects, discoverLimit);
  }

  async test(_context: OperationContext): Promise<ConnectionTestResult> {
    const folder = `folder "${this.shownPath}" (under DATA_PATH)`;
    try {
      const info = await stat(this.objects.root);
      if (!info.isDirectory())
        return { ok: false, stage: "not_found", message: `${folder} is a file, not a folder` };
    } catch {
      return {
        ok: false,
        stage: "not_found",
        message: `${folder} does not exist`,
        hint: "create it, or set `create: true` on the connection",
      };
    }
    try {
      await access(this.objects.root, constants.R_OK | constants.W_OK | constants.X_OK);
    } catch {
      return {
        ok: false,
        stage: "permission",
        message: `${folder} is not readable and writable by this process`,
        hint: "check the folder's owner and mode",
      };
    }
    return { ok: true, message: `${folder} is readable and writable` };
  }
}

// Runs every benchmark in bench/ in turn.
import "./engine.js";
import "./server.js";
import "./copy.js";
import "./files.js";

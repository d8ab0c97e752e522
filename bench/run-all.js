// Runs every benchmark in bench/ in turn.
import "./engine.js";

-- The delivery tables now live in the delivery file, which copied them before this step ran.
DROP TABLE delivery_queue;
DROP TABLE delivery_history;
DROP TABLE delivery_attempts;
